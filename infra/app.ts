import { App } from 'aws-cdk-lib';
import { checkWithCdkNag } from '#infra/nag';
import { addStages } from '#infra/stages';

const app = new App();
checkWithCdkNag(app);
addStages(app);
app.synth();
