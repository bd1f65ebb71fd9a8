export { TemplateAgentFiles, renderPersona, isGenerated } from "./files.js";
