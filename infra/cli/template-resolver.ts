/**
 * CloudFormation's intrinsic functions (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`,
 * `Fn::Split`), resolved against the physical ids and attributes of one deployment: a real stack's (the SAM
 * env-vars file) or a stand-in account's (the deployed-artifact suite). Anything else is refused by name, so
 * a template that grows a new intrinsic fails loudly instead of resolving wrong.
 */
export interface Deployment {
  /** Logical id → what `Ref` gives. */
  refs: ReadonlyMap<string, string>;
  /** Logical id → attribute → what `Fn::GetAtt` gives. */
  attributes: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** `AWS::Region`, `AWS::AccountId`… */
  pseudo: Readonly<Record<string, string>>;
}

export function intrinsicResolver({ refs, attributes, pseudo }: Deployment): (value: unknown) => unknown {
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [[fn, arg]] = entries as [[string, unknown]];
      if (fn === 'Ref') {
        const id = String(arg);
        const resolved = pseudo[id] ?? refs.get(id);
        if (resolved === undefined) throw new Error(`Ref to unknown ${id}`);
        return resolved;
      }
      if (fn === 'Fn::GetAtt') {
        const [id, attribute] = (typeof arg === 'string' ? arg.split('.') : arg) as [string, string];
        const resolved = attributes.get(id)?.[attribute];
        if (resolved === undefined) throw new Error(`Fn::GetAtt ${id}.${attribute} is not modelled`);
        return resolved;
      }
      if (fn === 'Fn::Join') {
        const [separator, parts] = arg as [string, unknown[]];
        return (resolve(parts) as unknown[]).map(String).join(separator);
      }
      if (fn === 'Fn::Select') {
        const [index, items] = arg as [number, unknown];
        return (resolve(items) as unknown[])[Number(index)];
      }
      if (fn === 'Fn::Split') {
        const [separator, source] = arg as [string, unknown];
        return String(resolve(source)).split(separator);
      }
      if (fn === 'Fn::Sub') {
        const [text, vars = {}] = (typeof arg === 'string' ? [arg] : arg) as [
          string,
          Record<string, unknown>,
        ];
        return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
          if (name in vars) return String(resolve(vars[name]));
          if (name.includes('.')) return String(resolve({ 'Fn::GetAtt': name.split('.') }));
          return String(resolve({ Ref: name }));
        });
      }
      if (fn.startsWith('Fn::')) throw new Error(`${fn} is not modelled`);
    }
    return Object.fromEntries(entries.map(([key, inner]) => [key, resolve(inner)]));
  };

  return resolve;
}
