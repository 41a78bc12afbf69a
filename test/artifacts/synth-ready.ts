import { synthesized } from '../../scripts/synth-once.ts';

// Each artifacts file starts once both stages' synth is complete (started by synth.setup.ts).
await synthesized();
