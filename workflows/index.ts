// Every workflow type the workflow worker registers.
export { platformCheckWorkflow } from './platform-check.workflow.ts';
