/**
 * The `sub` claim of GitHub Actions' OIDC tokens, in either of GitHub's two forms. Entra ID and
 * Pulumi Cloud match it exactly, so a credential written in the wrong form fails closed: nothing
 * signs in. Which form a repository gets is GitHub's decision, hence a parameter here:
 *
 * - "name": `repo:OWNER/REPO:CONTEXT`, the form of repositories created before the change;
 * - "immutable": `repo:OWNER@OWNER_ID/REPO@REPO_ID:CONTEXT`, the default for repositories created
 *   or renamed from 15 July 2026 and for those whose admins opt in ("Immutable subject claims",
 *   GitHub's OpenID Connect concepts page, github/docs#45221; changelog 2026-04-23). The ids never
 *   change nor get reused, so a deleted or renamed owner's name cannot be claimed to sign in.
 */
export type GithubSubjectFormat =
    { readonly kind: "name" } | { readonly kind: "immutable"; readonly ownerId: number; readonly repositoryId: number };

export const NAME_SUBJECTS: GithubSubjectFormat = Object.freeze({ kind: "name" });

/** The subject GitHub gives a job of `repository` (owner/name) in `context` (`pull_request`, `environment:e2e`). */
export function githubSubject(repository: string, format: GithubSubjectFormat, context: string): string {
    const [owner, name] = repository.split("/");
    if (!owner || !name || repository.split("/").length !== 2)
        throw new Error(`repository "${repository}" is not owner/name`);
    const path =
        format.kind === "name" ? `${owner}/${name}` : `${owner}@${format.ownerId}/${name}@${format.repositoryId}`;
    return `repo:${path}:${context}`;
}

/** The config keys (deployment/Pulumi.yaml) that choose the form. */
export const SUBJECT_FORMAT_KEYS = Object.freeze({
    format: "githubSubjectFormat",
    ownerId: "githubOwnerId",
    repositoryId: "githubRepositoryId",
});

/**
 * The form from config values as text (undefined when unset), or an error naming the key and the
 * fix: "immutable" needs both numeric ids (GET /repos/OWNER/REPO answers them as `owner.id` and `id`).
 */
export function subjectFormatFrom(raw: {
    readonly format?: string;
    readonly ownerId?: string;
    readonly repositoryId?: string;
}): GithubSubjectFormat {
    const format = raw.format ?? "name";
    if (format === "name") return NAME_SUBJECTS;
    if (format !== "immutable") throw new Error(`${SUBJECT_FORMAT_KEYS.format} is "${format}"; use name or immutable`);
    const id = (key: "ownerId" | "repositoryId") => {
        const value = raw[key];
        if (value === undefined || !/^[1-9]\d*$/.test(value.trim()))
            throw new Error(
                `${SUBJECT_FORMAT_KEYS.format}=immutable needs ${SUBJECT_FORMAT_KEYS[key]} (a positive integer: \`gh api repos/OWNER/REPO --jq ${key === "ownerId" ? ".owner.id" : ".id"}\`), not ${value === undefined ? "nothing" : `"${value}"`}`,
            );
        return Number(value.trim());
    };
    return { kind: "immutable", ownerId: id("ownerId"), repositoryId: id("repositoryId") };
}
