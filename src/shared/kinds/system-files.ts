/** What a copy's `skipSystemFiles` leaves out (names anywhere in the tree). */
export const systemFilePatterns = ['.DS_Store', '._*', 'Thumbs.db'] as const
