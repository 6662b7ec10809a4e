/** Tree-sitter queries are bundled as text by esbuild (`loader: { '.scm': 'text' }`). */
declare module '*.scm' {
  const text: string;
  export default text;
}
