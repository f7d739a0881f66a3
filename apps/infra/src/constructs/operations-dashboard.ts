import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

/** One layer of the system on the dashboard: its alarms (each charted with its threshold) and other metrics. */
export interface DashboardLayer {
  /** The heading, e.g. `RDS Proxy`. */
  readonly title: string;
  readonly alarms: readonly cloudwatch.Alarm[];
  /** Metrics charted without an alarm (traffic, the api's other counters). */
  readonly metrics: readonly cloudwatch.IMetric[];
}

/** Properties of {@link OperationsDashboard}. */
export interface OperationsDashboardProps {
  readonly dashboardName: string;
  /** Top to bottom, in the order a request crosses them. */
  readonly layers: readonly DashboardLayer[];
  /** The names of the EventBridge rules that also notify the topic (listed, they have no metric of their own here). */
  readonly rules: readonly string[];
}

const FULL_WIDTH = 24;
const GRAPH_WIDTH = 8;

/**
 * One CloudWatch dashboard: the state of every alarm on top, then one section per layer — a heading, each alarm's
 * metric against its threshold, and the layer's other metrics.
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
    const everyAlarm = props.layers.flatMap((layer) => layer.alarms);
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# ${props.dashboardName}\nLayer by layer, in the order a request crosses them. What each alarm means and what to do: docs/operations.md.${props.rules.length > 0 ? ` Also notifying the topic: ${props.rules.join(', ')} (EventBridge).` : ''}`,
        width: FULL_WIDTH,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: everyAlarm, width: FULL_WIDTH }));
    for (const layer of props.layers) {
      this.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: `## ${layer.title}`, width: FULL_WIDTH, height: 1 }));
      const widgets: cloudwatch.IWidget[] = [
        ...layer.alarms.map((alarm) => new cloudwatch.AlarmWidget({ title: alarm.node.id, alarm, width: GRAPH_WIDTH })),
        ...layer.metrics.map((metric) => new cloudwatch.GraphWidget({ title: metricTitle(metric), left: [metric], width: GRAPH_WIDTH })),
      ];
      for (let i = 0; i < widgets.length; i += FULL_WIDTH / GRAPH_WIDTH) this.dashboard.addWidgets(...widgets.slice(i, i + FULL_WIDTH / GRAPH_WIDTH));
    }
  }
}

function metricTitle(metric: cloudwatch.IMetric): string {
  return metric instanceof cloudwatch.Metric ? metric.metricName : 'metric';
}
