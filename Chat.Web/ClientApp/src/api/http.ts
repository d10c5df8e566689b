/**
 * What every REST call shares: the server's ProblemDetails as an ApiError (so forms can show the
 * server's own words next to the right field) and the one upload fetch cannot do. The calls
 * themselves are in rest.ts.
 */

export interface ProblemDetails {
  title?: string;
  detail?: string;
  status?: number;
  errors?: Record<string, string[]>;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: ProblemDetails) {
    super(problem.detail ?? problem.title ?? `Request failed (${status}).`);
  }

  /** The first message for one field of a 400, if the server named that field. */
  field(name: string): string | undefined {
    return this.problem.errors?.[name]?.[0];
  }
}

/**
 * A multipart upload of one file with progress (fetch cannot report upload progress), in the
 * caller's trace when given its traceparent. The server answers 413 for files over its limit.
 */
export function upload<T>(method: string, path: string, file: Blob, onProgress?: (fraction: number) => void, traceparent?: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(method, path);
    if (traceparent) request.setRequestHeader('traceparent', traceparent);
    request.responseType = 'text';
    request.upload.onprogress = (e) => e.lengthComputable && onProgress?.(e.loaded / e.total);
    request.onload = async () => {
      if (request.status >= 200 && request.status < 300) resolve(JSON.parse(request.responseText) as T);
      else reject(await toError(request.status, async () => request.responseText));
    };
    request.onerror = () => reject(new TypeError('The upload could not reach the server.'));
    const form = new FormData();
    form.append('file', file);
    request.send(form);
  });
}

export async function toError(status: number, text: () => Promise<string>): Promise<ApiError> {
  let problem: ProblemDetails = {};
  try {
    problem = JSON.parse(await text()) as ProblemDetails;
  } catch {
    // Not a ProblemDetails body (a proxy's error page, say): keep the status alone.
  }
  if (status === 413 && !problem.detail) problem.detail = 'The file is too large (10 MB at most).';
  return new ApiError(status, problem);
}
