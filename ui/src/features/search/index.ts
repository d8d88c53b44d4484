// What the rest of the app uses from the search feature: the dialog searching one room's or every room's messages.
export { default as SearchDialog } from "./SearchDialog.svelte";
export type { SearchScope } from "./search.svelte";
