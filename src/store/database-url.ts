/** A PostgreSQL URL as it may be shown (terminal, log, error): the password replaced by `***`. */
export const maskDatabaseUrl = (url: string): string => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
