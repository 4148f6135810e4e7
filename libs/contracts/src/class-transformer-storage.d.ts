// class-transformer ships the runtime of its metadata storage under cjs/ and its types under types/;
// the schema generator needs the storage itself (to follow @Type to nested classes).
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
