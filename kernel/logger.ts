import pino from 'pino';

/** The process logger (pino, JSON lines). Level from LOG_LEVEL. */
export const logger = pino({
  level: process.env.LOG_LEVEL || 'info',
  base: { service: 'hongdun' },
  redact: ['req.headers.authorization', 'password', '*.password'],
});
