import { deployedStageContract } from './contract.ts';

deployedStageContract('prod');
