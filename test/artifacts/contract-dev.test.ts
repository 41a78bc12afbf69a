import { deployedStageContract } from './contract.ts';

deployedStageContract('dev');
