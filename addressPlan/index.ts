/** The address plan: the only place in the project where CIDR arithmetic lives. */
export * from "./cidr";
export * from "./limits";
export * from "./plan";
export * from "./plugins";
export * from "./rules";
export * from "./surge";
