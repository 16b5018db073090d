/**
 * An evaluator for the part of Azure's ABAC condition grammar the role-assignment conditions use,
 * written from Microsoft's "Azure role assignment condition format and syntax"
 * (learn.microsoft.com/azure/role-based-access-control/conditions-format): `!`, `AND` (binds
 * before `OR`), `OR`, parentheses, `ActionMatches{'action'}`, and
 * `@Request|@Resource[attribute] Operator {values}` with
 * - ForAnyOfAnyValues:GuidEquals / StringEqualsIgnoreCase: some value of the attribute equals some listed value;
 * - ForAnyOfAllValues:GuidNotEquals: some value of the attribute differs from every listed value.
 * An attribute the request does not carry has no values, so every ForAnyOf... is false for it.
 * It exists so tests can ask "may the deploy identity grant X to Y?" of the condition text itself.
 */
export interface RoleAssignmentRequest {
    readonly action: "Microsoft.Authorization/roleAssignments/write" | "Microsoft.Authorization/roleAssignments/delete";
    readonly roleDefinitionId: string;
    readonly principalId: string;
    readonly principalType?: string;
}

const TOKEN =
    /\s*(\(|\)|!|AND\b|OR\b|ActionMatches\{'[^']*'\}|@(?:Request|Resource)\[[^\]]+\]\s+[A-Za-z]+:[A-Za-z]+\s+\{[^}]*\})/y;

function tokenize(condition: string): string[] {
    const tokens: string[] = [];
    TOKEN.lastIndex = 0;
    while (TOKEN.lastIndex < condition.trimEnd().length) {
        const match = TOKEN.exec(condition);
        if (!match)
            throw new Error(`cannot read the condition at ${condition.slice(TOKEN.lastIndex, TOKEN.lastIndex + 40)}`);
        tokens.push(match[1]);
    }
    return tokens;
}

function attributeValues(request: RoleAssignmentRequest, source: string, attribute: string): string[] {
    // A create carries the new assignment's attributes in the request; a delete, the existing one's.
    const fromRequest = request.action.endsWith("/write");
    if ((source === "Request") !== fromRequest) return [];
    const name = attribute.replace("Microsoft.Authorization/roleAssignments:", "");
    const value = {
        RoleDefinitionId: request.roleDefinitionId,
        PrincipalId: request.principalId,
        PrincipalType: request.principalType,
    }[name];
    if (!(name in { RoleDefinitionId: 1, PrincipalId: 1, PrincipalType: 1 }))
        throw new Error(`unknown attribute ${attribute}`);
    return value === undefined ? [] : [value];
}

function atom(token: string, request: RoleAssignmentRequest): boolean {
    const action = /^ActionMatches\{'([^']*)'\}$/.exec(token);
    if (action) return action[1] === request.action;
    const [, source, attribute, operator, list] =
        /^@(Request|Resource)\[([^\]]+)\]\s+([A-Za-z]+:[A-Za-z]+)\s+\{([^}]*)\}$/.exec(token)!;
    const listed = list.split(",").map((item) => item.trim().replace(/^'|'$/g, ""));
    const values = attributeValues(request, source, attribute);
    const lower = (text: string) => text.toLowerCase();
    switch (operator) {
        case "ForAnyOfAnyValues:GuidEquals":
        case "ForAnyOfAnyValues:StringEqualsIgnoreCase":
            return values.some((value) => listed.some((item) => lower(item) === lower(value)));
        case "ForAnyOfAllValues:GuidNotEquals":
            return values.some((value) => listed.every((item) => lower(item) !== lower(value)));
        default:
            throw new Error(`operator ${operator} is not modelled`);
    }
}

/** Whether the condition lets `request` through. */
export function conditionAllows(condition: string, request: RoleAssignmentRequest): boolean {
    const tokens = tokenize(condition);
    let at = 0;
    const expression = (): boolean => {
        let value = term();
        while (tokens[at] === "OR") {
            at++;
            const right = term();
            value = value || right;
        }
        return value;
    };
    const term = (): boolean => {
        let value = factor();
        while (tokens[at] === "AND") {
            at++;
            const right = factor();
            value = value && right;
        }
        return value;
    };
    const factor = (): boolean => {
        const token = tokens[at++];
        if (token === "!") return !factor();
        if (token === "(") {
            const value = expression();
            if (tokens[at++] !== ")") throw new Error("unbalanced parentheses");
            return value;
        }
        if (token === undefined || token === ")" || token === "AND" || token === "OR")
            throw new Error(`unexpected ${token ?? "end"} in the condition`);
        return atom(token, request);
    };
    const result = expression();
    if (at !== tokens.length) throw new Error(`unread: ${tokens.slice(at).join(" ")}`);
    return result;
}
