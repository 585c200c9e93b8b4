import {
  listenChanges,
  PROTOCOL_3,
  queryMessage,
  routeOutput,
  startupSettings,
  statementText,
} from './wire-messages';

function startupPacket(parameters: Record<string, string>): Buffer {
  const body = Buffer.from(
    `${Object.entries(parameters)
      .map(([name, value]) => `${name}\0${value}\0`)
      .join('')}\0`,
  );
  const packet = Buffer.alloc(8 + body.length);
  packet.writeInt32BE(packet.length, 0);
  packet.writeInt32BE(PROTOCOL_3, 4);
  body.copy(packet, 8);
  return packet;
}

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0);
  header.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([header, body]);
}

const notification = (channel: string, payload: string) =>
  message('A', Buffer.concat([Buffer.from([0, 0, 0, 7]), Buffer.from(`${channel}\0${payload}\0`)]));
const ready = (status: string) => message('Z', Buffer.from(status));
const commandComplete = (tag: string) => message('C', Buffer.from(`${tag}\0`));

describe('startupSettings', () => {
  it('reads -c and -- settings from the options parameter, with escaped spaces', () => {
    const packet = startupPacket({
      user: 'postgres',
      database: 'postgres',
      options: '-c search_path="bullmq_x" --statement_timeout=5s -c application_name=a\\ b',
    });
    expect(startupSettings(packet)).toEqual(
      new Map([
        ['search_path', '"bullmq_x"'],
        ['statement_timeout', '5s'],
        ['application_name', 'a b'],
      ]),
    );
  });

  it('has none without options, and ignores what is not a setting', () => {
    expect(startupSettings(startupPacket({ user: 'postgres' })).size).toBe(0);
    expect(startupSettings(startupPacket({ options: '-c not-a-setting --x' })).size).toBe(0);
  });
});

describe('statementText and listenChanges', () => {
  it('reads the SQL of Query and Parse messages', () => {
    expect(statementText(queryMessage('LISTEN jobs'))).toBe('LISTEN jobs');
    const parse = message('P', Buffer.from('s1\0SELECT $1\0\0\0'));
    expect(statementText(parse)).toBe('SELECT $1');
    expect(statementText(message('S', Buffer.alloc(0)))).toBeUndefined();
  });

  it('names channels as PostgreSQL does: unquoted folded to lower case', () => {
    expect(listenChanges('LISTEN Jobs; listen "Mixed""Case"; UNLISTEN old; unlisten *')).toEqual({
      listen: ['jobs', 'Mixed"Case'],
      unlisten: ['old', '*'],
    });
    expect(listenChanges('SELECT 1')).toEqual({ listen: [], unlisten: [] });
  });
});

describe('routeOutput', () => {
  it('takes notifications out and reports the last ReadyForQuery status', () => {
    const output = Buffer.concat([
      commandComplete('INSERT 0 1'),
      notification('bullmq_jobs', 'scoring'),
      ready('T'),
      commandComplete('COMMIT'),
      notification('other', 'x'),
      ready('I'),
    ]);
    const routed = routeOutput(output);
    expect(routed.own).toEqual(
      Buffer.concat([
        commandComplete('INSERT 0 1'),
        ready('T'),
        commandComplete('COMMIT'),
        ready('I'),
      ]),
    );
    expect(routed.notifications.map(({ channel }) => channel)).toEqual(['bullmq_jobs', 'other']);
    expect(routed.notifications[0]?.message).toEqual(notification('bullmq_jobs', 'scoring'));
    expect(routed.status).toBe('I');
  });

  it('has no status mid-batch (no ReadyForQuery yet)', () => {
    const routed = routeOutput(message('1', Buffer.alloc(0)));
    expect(routed.status).toBeUndefined();
    expect(routed.notifications).toEqual([]);
  });
});
