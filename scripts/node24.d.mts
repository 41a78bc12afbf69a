export declare const NODE_VERSION: string;
export declare function runningMajor(version?: string): number;
export declare function node24Bin(): string;
