/** Answers the bench runner's stats requests over IPC (bench/bench-ipc.ts: ChildMessage, ParentMessage). */
export declare function serveStats(): void;
