/**
 * Typed objects from the engine's JSON (write.ts says its shape): the same
 * objects the XML reader makes of the same resource, so nothing past the
 * reader knows which the engine sent.
 *
 * The objects JSON.parse made are kept and typed where they stand, rather
 * than copied into new ones: a copy costs as much again as the parse (the
 * bench measured the two ways on a 10,000-VM list). The schema's plans
 * (xml/plan.ts) drive it as they drive the XML reader:
 *
 * - a key the type does not declare is removed (a newer engine's field, or
 *   `__proto__`, which JSON.parse makes an own key);
 * - a value is converted by its field's kind, from the JSON the engine
 *   writes for it or from text: xs:int and xs:boolean come as strings,
 *   xs:long as numbers, dates as milliseconds since 1970, and either form is
 *   taken for any kind;
 * - a repeated field given one object is made a list of one; `null` is
 *   removed, as an element never written;
 * - a link's href is its owner's joined to its rel (xml/values.ts), which
 *   is most of a v4 resource's text.
 *
 * Strings JSON.parse makes are its own copies (no slice keeps the answer's
 * text alive), so text values are kept as they are.
 */
import { type Conv, convert, DATE_TIME, KeptStrings, type Plan, TEXT } from '../xml/index.ts';
import { JsonShapeError } from './errors.ts';

/**
 * Deeper than this, an answer is refused: the model's types nest a few
 * levels (a step's parent step, a disk's snapshot's disk), and typing an
 * answer that nests its declared fields without end would run out of stack.
 */
const DEEPEST = 256;

/** A JSON value as JSON.parse gives it. */
export type JsonValue = string | number | boolean | null | JsonObject | JsonValue[];
export type JsonObject = { [key: string]: JsonValue };

export class JsonTyper {
  readonly strings = new KeptStrings();

  /**
   * `json`, an object of the type `plan` is for, whose element is `name`,
   * below a resource whose href is `owner`, typed in place; `at` places
   * errors in the answer.
   */
  adopt(plan: Plan, json: JsonValue, name: string, owner: string | undefined, at: number, depth = 0): JsonObject {
    if (!isObject(json)) throw new JsonShapeError(`${name} is not an object`, at);
    if (depth > DEEPEST) throw new JsonShapeError(`Nested more than ${DEEPEST} levels deep`, at);
    const href = json.href;
    const own = typeof href === 'string' ? href : owner;
    // simpleContent's text (Jackson's `value`) becomes `$value` after the walk, which must not meet a key it added.
    let text: unknown;
    for (const key in json) {
      const v = json[key];
      if (v === null) {
        delete json[key];
        continue;
      }
      const child = plan.children.get(key);
      if (child !== undefined) {
        if (Array.isArray(v) && !child.many && v.length !== 1) throw new JsonShapeError(`${key} in ${name} is one value, not a list`, at);
        if (child.plan !== undefined) {
          if (!Array.isArray(v)) this.adopt(child.plan, v, key, own, at, depth + 1);
          else for (let k = 0; k < v.length; k++) this.adopt(child.plan, v[k], key, own, at, depth + 1);
        } else if (Array.isArray(v)) {
          for (let k = 0; k < v.length; k++) v[k] = this.scalar(child.conv, v[k], key, at) as JsonValue;
        } else if (child.conv !== TEXT || typeof v !== 'string') {
          json[key] = this.scalar(child.conv, v, key, at) as JsonValue;
        }
        if (child.many && !Array.isArray(v)) json[key] = [json[key]];
        else if (!child.many && Array.isArray(v)) json[key] = v[0];
        continue;
      }
      const attribute = plan.attrs.get(key);
      if (attribute === undefined) {
        if (key === 'value' && plan.textConv !== undefined) text = this.scalar(plan.textConv, v, key, at);
        delete json[key];
      } else if (key === 'href') {
        if (typeof v !== 'string') throw new JsonShapeError(`The href of ${name} is not text`, at);
        json.href = name === 'link' && typeof json.rel === 'string' ? this.strings.linkHref(v, owner, json.rel) : v;
      } else if (attribute.conv !== TEXT || typeof v !== 'string') {
        json[key] = this.scalar(attribute.conv, v, key, at) as JsonValue;
      }
    }
    if (text !== undefined) json.$value = text as JsonValue;
    return json;
  }

  /** A scalar of kind `conv`, from the JSON the engine writes for it or from its text. */
  private scalar(conv: Conv, v: JsonValue, key: string, at: number): unknown {
    switch (typeof v) {
      case 'string':
        return conv === TEXT ? v : convert(conv, v, at, this.strings);
      case 'number':
        if (conv === DATE_TIME) return new Date(v);
        if (conv === TEXT) return String(v);
        return convert(conv, String(v), at, this.strings);
      case 'boolean':
        return conv === TEXT ? String(v) : convert(conv, v ? 'true' : 'false', at, this.strings);
      default:
        throw new JsonShapeError(`${key} is not a value`, at);
    }
  }
}

function isObject(v: JsonValue): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
