import axios from 'axios';

/** The one HTTP call webhooks make; a parameter so tests and the daemon can pass their own. */
export type HttpPost = (url: string, body: unknown) => Promise<unknown>;

/**
 * POST JSON through axios with a timeout. A non-2xx answer throws (axios does), and so does a Bitrix24
 * REST answer that carries an `error` field with a 200.
 */
export function axiosPost(timeoutMs: number): HttpPost {
  return async (url, body) => {
    const response = await axios.post(url, body, {
      timeout: timeoutMs,
      headers: { 'content-type': 'application/json' },
      // Bitrix24 webhook URLs carry their token in the path: keep them out of redirects and error dumps.
      maxRedirects: 0,
    });
    const data = response.data as { error?: unknown; error_description?: unknown } | undefined;
    if (data && typeof data === 'object' && data.error) {
      throw new Error(`${String(data.error)}: ${String(data.error_description ?? '')}`.trim());
    }
    return data;
  };
}
