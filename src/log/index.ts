export { createLogger, logFileStream, type Logger, type LoggerOptions, type LogSink, type RootLogger } from "./logger.js";
export { SecretSet, TOKEN_PATTERN, containsToken, findTokens, redactTokens, REDACTED_TOKEN } from "./redact.js";
