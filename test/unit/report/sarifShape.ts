/**
 * The parts of the SARIF 2.1.0 JSON schema (sarif-schema-2.1.0.json) that apply to what we emit, written out so the
 * check runs offline: required properties, `additionalProperties: false` (the schema closes these objects), types,
 * enums and minimums. Returns the violations as `path: problem` strings; an empty list means the shape is valid.
 */
type Json = unknown;
interface Shape {
  required: string[];
  props: Record<string, (v: Json, at: string, errs: string[]) => void>;
  anyOf?: string[][];
}

const any = (): void => undefined;
const str = (v: Json, at: string, errs: string[]): void => {
  if (typeof v !== 'string') errs.push(`${at}: expected string`);
};
const int =
  (min: number) =>
  (v: Json, at: string, errs: string[]): void => {
    if (!Number.isInteger(v) || (v as number) < min) errs.push(`${at}: expected integer >= ${min}`);
  };
const bool = (v: Json, at: string, errs: string[]): void => {
  if (typeof v !== 'boolean') errs.push(`${at}: expected boolean`);
};
const oneOf =
  (values: string[]) =>
  (v: Json, at: string, errs: string[]): void => {
    if (!values.includes(v as string)) errs.push(`${at}: ${JSON.stringify(v)} not in ${values.join('|')}`);
  };
const uriRef = (v: Json, at: string, errs: string[]): void => {
  if (typeof v !== 'string' || /[\s\\]/.test(v)) errs.push(`${at}: expected a URI reference`);
};
const arrayOf =
  (item: (v: Json, at: string, errs: string[]) => void) =>
  (v: Json, at: string, errs: string[]): void => {
    if (!Array.isArray(v)) {
      errs.push(`${at}: expected array`);
      return;
    }
    v.forEach((x, i) => item(x, `${at}[${i}]`, errs));
  };
const obj =
  (shape: () => Shape) =>
  (v: Json, at: string, errs: string[]): void =>
    check(shape(), v, at, errs);
const mapOf =
  (item: (v: Json, at: string, errs: string[]) => void) =>
  (v: Json, at: string, errs: string[]): void => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      errs.push(`${at}: expected object`);
      return;
    }
    for (const [k, x] of Object.entries(v)) item(x, `${at}.${k}`, errs);
  };

function check(shape: Shape, v: Json, at: string, errs: string[]): void {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    errs.push(`${at}: expected object`);
    return;
  }
  const o = v as Record<string, Json>;
  for (const r of shape.required) if (!(r in o)) errs.push(`${at}: missing required "${r}"`);
  if (shape.anyOf && !shape.anyOf.some((set) => set.every((k) => k in o))) {
    errs.push(`${at}: needs one of ${shape.anyOf.map((s) => s.join('+')).join(' or ')}`);
  }
  for (const [k, x] of Object.entries(o)) {
    const p = shape.props[k];
    if (!p) errs.push(`${at}: property "${k}" not allowed`);
    else p(x, `${at}.${k}`, errs);
  }
}

const level = oneOf(['none', 'note', 'warning', 'error']);
const multiformat = (): Shape => ({ required: ['text'], props: { text: str, markdown: str, properties: any } });
const message = (): Shape => ({
  required: [],
  anyOf: [['text'], ['id']],
  props: { text: str, markdown: str, id: str, arguments: arrayOf(str), properties: any },
});
const artifactLocation = (): Shape => ({
  required: [],
  props: { uri: uriRef, uriBaseId: str, index: int(-1), description: obj(message), properties: any },
});
const region = (): Shape => ({
  required: [],
  props: {
    startLine: int(1),
    startColumn: int(1),
    endLine: int(1),
    endColumn: int(1),
    charOffset: int(-1),
    charLength: int(0),
    byteOffset: int(-1),
    byteLength: int(0),
    snippet: any,
    message: obj(message),
    sourceLanguage: str,
    properties: any,
  },
});
const physicalLocation = (): Shape => ({
  required: [],
  anyOf: [['address'], ['artifactLocation']],
  props: {
    address: any,
    artifactLocation: obj(artifactLocation),
    region: obj(region),
    contextRegion: obj(region),
    properties: any,
  },
});
const location = (): Shape => ({
  required: [],
  props: {
    id: int(-1),
    physicalLocation: obj(physicalLocation),
    logicalLocations: any,
    message: obj(message),
    annotations: any,
    relationships: any,
    properties: any,
  },
});
const reportingDescriptor = (): Shape => ({
  required: ['id'],
  props: {
    id: str,
    deprecatedIds: any,
    guid: str,
    deprecatedGuids: any,
    name: str,
    deprecatedNames: any,
    shortDescription: obj(multiformat),
    fullDescription: obj(multiformat),
    messageStrings: any,
    defaultConfiguration: obj(() => ({
      required: [],
      props: { enabled: bool, level, rank: any, parameters: any, properties: any },
    })),
    helpUri: uriRef,
    help: obj(multiformat),
    relationships: any,
    properties: any,
  },
});
const toolComponent = (): Shape => ({
  required: ['name'],
  props: {
    guid: str,
    name: str,
    organization: str,
    product: str,
    productSuite: str,
    shortDescription: obj(multiformat),
    fullDescription: obj(multiformat),
    fullName: str,
    version: str,
    semanticVersion: str,
    dottedQuadFileVersion: str,
    releaseDateUtc: str,
    downloadUri: uriRef,
    informationUri: uriRef,
    globalMessageStrings: any,
    notifications: any,
    rules: arrayOf(obj(reportingDescriptor)),
    taxa: any,
    locations: any,
    language: str,
    contents: any,
    isComprehensive: bool,
    localizedDataSemanticVersion: str,
    minimumRequiredLocalizedDataSemanticVersion: str,
    associatedComponent: any,
    translationMetadata: any,
    supportedTaxonomies: any,
    properties: any,
  },
});
const result = (): Shape => ({
  required: ['message'],
  props: {
    guid: str,
    correlationGuid: str,
    ruleId: str,
    ruleIndex: int(-1),
    rule: any,
    kind: oneOf(['notApplicable', 'pass', 'fail', 'review', 'open', 'informational']),
    level,
    message: obj(message),
    analysisTarget: obj(artifactLocation),
    locations: arrayOf(obj(location)),
    webRequest: any,
    webResponse: any,
    fingerprints: any,
    partialFingerprints: any,
    codeFlows: any,
    graphs: any,
    graphTraversals: any,
    stacks: any,
    relatedLocations: arrayOf(obj(location)),
    suppressions: any,
    baselineState: any,
    rank: any,
    attachments: any,
    hostedViewerUri: uriRef,
    workItemUris: any,
    provenance: any,
    fixes: any,
    taxa: any,
    properties: any,
  },
});
const run = (): Shape => ({
  required: ['tool'],
  props: {
    tool: obj(() => ({
      required: ['driver'],
      props: { driver: obj(toolComponent), extensions: any, properties: any },
    })),
    invocations: any,
    conversion: any,
    language: str,
    versionControlProvenance: any,
    originalUriBaseIds: mapOf(obj(artifactLocation)),
    artifacts: any,
    logicalLocations: any,
    graphs: any,
    results: arrayOf(obj(result)),
    automationDetails: any,
    runAggregates: any,
    baselineGuid: str,
    redactionTokens: any,
    defaultEncoding: str,
    defaultSourceLanguage: str,
    newlineSequences: any,
    columnKind: oneOf(['utf16CodeUnits', 'unicodeCodePoints']),
    externalPropertyFileReferences: any,
    threadFlowLocations: any,
    taxonomies: any,
    addresses: any,
    translations: any,
    policies: any,
    webRequests: any,
    webResponses: any,
    specialLocations: any,
    properties: any,
  },
});
const sarifLog = (): Shape => ({
  required: ['version', 'runs'],
  props: {
    $schema: uriRef,
    version: oneOf(['2.1.0']),
    runs: arrayOf(obj(run)),
    inlineExternalProperties: any,
    properties: any,
  },
});

export function sarifViolations(doc: Json): string[] {
  const errs: string[] = [];
  check(sarifLog(), doc, '$', errs);
  // Cross-references the schema cannot express but the specification requires.
  const runs = (doc as { runs?: Array<Record<string, unknown>> }).runs ?? [];
  runs.forEach((r, ri) => {
    const rules = ((r.tool as { driver?: { rules?: Array<{ id: string }> } })?.driver?.rules ?? []).map((x) => x.id);
    for (const [k, base] of Object.entries((r.originalUriBaseIds ?? {}) as Record<string, { uri?: string }>)) {
      if (!/^[a-z]+:\/\/.*\/$/.test(base.uri ?? ''))
        errs.push(`$.runs[${ri}].originalUriBaseIds.${k}: must be an absolute URI ending in /`);
    }
    ((r.results ?? []) as Array<{ ruleId?: string; ruleIndex?: number }>).forEach((res, i) => {
      if (res.ruleIndex !== undefined && rules[res.ruleIndex] !== res.ruleId) {
        errs.push(`$.runs[${ri}].results[${i}]: ruleIndex ${res.ruleIndex} does not name ${res.ruleId}`);
      }
    });
  });
  return errs;
}
