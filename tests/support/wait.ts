// Waiting for something that happens in another process: poll until it holds, fail with a clear message if it never does.
export async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number, pollMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
