export declare function awsPreflightProblem(
  env: Record<string, string | undefined>,
  home?: string,
): string | undefined;
