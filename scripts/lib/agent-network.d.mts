export function removeAgentNetwork(): boolean;
