type Holder = { __bxsupServer?: { stop(): Promise<void> }; __bxsupContainer?: { stop(): Promise<unknown> } };

export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as Holder;
  await holder.__bxsupServer?.stop();
  await holder.__bxsupContainer?.stop();
}
