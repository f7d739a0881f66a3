import type { BenchSection } from './section';

export const coldStartSection: BenchSection = {
  id: 'cold',
  title: 'Cold start of the api bundle',
  run: async () => 'TODO',
};
