export { loadConfig, readEnvironment, ConfigError, type Config, type ModelSource } from "./load.js";
export { envSchema, SECRET_VARIABLES, type Env } from "./schema.js";
