export default async function globalTeardown(): Promise<void> {
  const container = (globalThis as { __bxsupContainer?: { stop(): Promise<unknown> } }).__bxsupContainer;
  if (container) await container.stop();
}
