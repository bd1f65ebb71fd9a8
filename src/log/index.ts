export { createLogger, logFileStream, type Logger, type LoggerOptions, type LogSink, type RootLogger } from "./logger.js";
export { containsCredential, credentialWord, findCredentials, JWT_PATTERN, redactCredentials } from "./credentials.js";
export { SecretSet, TOKEN_PATTERN, containsToken, findTokens, redactTokens, REDACTED_TOKEN } from "./redact.js";
