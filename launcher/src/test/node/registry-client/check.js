// The calls a Node.js producer makes against a Confluent-compatible registry, with the widely used
// @kafkajs/confluent-schema-registry client. Usage: node check.js <registry-url> <hex of a Java-encoded record>
// Prints one JSON object with what the client saw; NodeRegistryClientIT checks it.
const { SchemaRegistry, SchemaType, COMPATIBILITY } = require('@kafkajs/confluent-schema-registry');

const [url, javaHex] = process.argv.slice(2);
const signup = {
  type: 'record',
  name: 'Signup',
  namespace: 'website',
  fields: [
    { name: 'email', type: 'string' },
    { name: 'plan', type: 'string' },
    { name: 'seats', type: 'int' },
    { name: 'referrer', type: ['null', 'string'], default: null },
  ],
};
const payload = { email: 'ada@example.com', plan: 'team', seats: 12, referrer: 'newsletter' };

async function main() {
  const registry = new SchemaRegistry({ host: url, retry: { retries: 0 } });
  const out = {};
  const schema = { type: SchemaType.AVRO, schema: JSON.stringify(signup) };
  // a new subject: the client registers, then sets the subject's compatibility (BACKWARD by default)
  out.id = (await registry.register(schema, { subject: 'website.signup-value' })).id;
  // the second time it reads the subject's level first and compares it with its own
  out.again = (await registry.register(schema, { subject: 'website.signup-value' })).id;
  out.latestId = await registry.getLatestSchemaId('website.signup-value');
  out.versionOneId = await registry.getRegistryId('website.signup-value', 1);
  out.bySchemaId = await registry.getRegistryIdBySchema('website.signup-value', schema);
  // a subject registered with another level: the client refuses a later call that expects the default
  out.fullId = (await registry.register(schema, { subject: 'website.full-value', compatibility: COMPATIBILITY.FULL })).id;
  try {
    await registry.register(schema, { subject: 'website.full-value' });
    out.mismatch = 'accepted';
  } catch (e) {
    out.mismatch = e.name;
  }
  const encoded = await registry.encode(out.id, payload);
  out.encodedHex = encoded.toString('hex');
  out.roundTrip = await registry.decode(encoded);
  // a fresh client (empty cache) decodes what Java wrote, fetching the schema by id
  const fresh = new SchemaRegistry({ host: url, retry: { retries: 0 } });
  out.javaDecoded = await fresh.decode(Buffer.from(javaHex, 'hex'));
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => {
  process.stderr.write(`registry client failed: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
