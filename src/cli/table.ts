// The comparison renders the same tables below the CLI, so the table lives on the ground floor.
export { textTable as table } from '../text-table.js';
