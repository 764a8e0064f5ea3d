/** Asks the process that owns a run to stop its cluster (SIGTERM), then insists (SIGKILL) after 30 s. */
export async function stopOwner(pid: number, alive: () => boolean): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const deadline = Date.now() + 30_000;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(pid, 'SIGKILL');
}
