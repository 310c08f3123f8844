declare module '*.svg' {
  const url: string;
  export default url;
}
declare module '*.css' {}

// The request schemas (src/measurements/requests.ts) validate targets with node:net; the UI only
// takes their types, so this is all of Node the type checker needs to see.
declare module 'node:net' {
  export function isIP(input: string): number;
}
