export interface RgbaImage {
  width: number
  height: number
  data: Buffer
}
export function encodePng(image: RgbaImage): Buffer
export function decodePng(bytes: Buffer): RgbaImage
export function encodeIco(pngs: { size: number; bytes: Buffer }[]): Buffer
export function pngsInIco(bytes: Buffer): Buffer[]
