/**
 * One HTTP GET on a fresh connection, for the seeds topology's "which HAProxy
 * is this" listener: a kept-alive connection would stay with the HAProxy
 * that answered before, where the question is who answers the VIP now.
 */
import { get } from 'node:http';

/** The body of a 200 answer; undefined on anything else, or when nothing answers within `timeoutMs`. */
export function httpGetText(url: string, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    let answered = false;
    const req = get(url, { agent: false, timeout: timeoutMs }, (res) => {
      answered = true;
      if (res.statusCode !== 200) {
        res.resume();
        resolve(undefined);
        return;
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve(body));
      res.on('error', () => resolve(undefined));
      res.on('close', () => resolve(undefined)); // after 'end', a no-op
    });
    const timer = setTimeout(() => req.destroy(), timeoutMs);
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.on('close', () => {
      clearTimeout(timer);
      if (!answered) resolve(undefined);
    });
  });
}
