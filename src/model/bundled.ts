/**
 * The model of the files the package ships (api/api.xsd, api/rsdl.xml,
 * api/capabilities.xml), read once per process: what the simulator serves
 * and the bundled GraphQL schema is made from.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ApiModel } from './api.ts';
import { readRsdl } from './rsdl.ts';
import { parseModelJson, readServices } from './services.ts';
import { readXsd, type XsdModel } from './xsd.ts';

/** The XSD shipped with the package (what the simulator serves at `?schema`). */
export const bundledXsdPath = fileURLToPath(new URL('../../api/api.xsd', import.meta.url));
/** A 3.6 engine's RSDL, checked in next to the XSD (`scripts/import-rsdl.ts` rebuilds it). */
export const bundledRsdlPath = fileURLToPath(new URL('../../api/rsdl.xml', import.meta.url));
/** The simulator's /api/capabilities, checked in next to the XSD (its value lists become GraphQL enums). */
export const bundledCapabilitiesPath = fileURLToPath(new URL('../../api/capabilities.xml', import.meta.url));

/** API v4: the XSD and the services of model 4.6, as `scripts/import-v4-model.ts` keeps them. */
export const bundledV4XsdPath = fileURLToPath(new URL('../../api/v4/api.xsd', import.meta.url));
export const bundledV4ModelPath = fileURLToPath(new URL('../../api/v4/model.json', import.meta.url));

let bundled: { text: string; model: XsdModel } | undefined;

export function bundledXsdText(): string {
  return loadBundled().text;
}

/** The model of the bundled XSD, read once per process. */
export function bundledModel(): XsdModel {
  return loadBundled().model;
}

function loadBundled(): { text: string; model: XsdModel } {
  if (!bundled) {
    const text = readFileSync(bundledXsdPath, 'utf8');
    bundled = { text, model: readXsd(text, 'api/api.xsd') };
  }
  return bundled;
}

let bundledApi: ApiModel | undefined;

/** The API model of the bundled XSD and RSDL, built once per process. */
export function bundledApiModel(): ApiModel {
  if (!bundledApi) {
    const xsd = bundledModel();
    bundledApi = new ApiModel(xsd, readRsdl(xsd, readFileSync(bundledRsdlPath, 'utf8'), 'api/rsdl.xml'));
  }
  return bundledApi;
}

let bundledV4: { text: string; model: XsdModel; api?: ApiModel } | undefined;

/** The bundled v4 XSD's text (what a v4 simulator serves at `?schema`). */
export function bundledV4XsdText(): string {
  return loadV4().text;
}

let v4ModelText: string | undefined;

/** The bundled v4 model.json's text (what a v4 simulator serves at `/model.json`). */
export function bundledV4ModelText(): string {
  v4ModelText ??= readFileSync(bundledV4ModelPath, 'utf8');
  return v4ModelText;
}

/** The model of the bundled v4 XSD, read once per process. */
export function bundledV4Model(): XsdModel {
  return loadV4().model;
}

/** The API model of the bundled v4 XSD and services, built once per process. */
export function bundledV4ApiModel(): ApiModel {
  const v4 = loadV4();
  const source = 'api/v4/model.json';
  v4.api ??= new ApiModel(v4.model, readServices(v4.model, parseModelJson(bundledV4ModelText(), source), source), { follows: true });
  return v4.api;
}

function loadV4(): { text: string; model: XsdModel; api?: ApiModel } {
  if (!bundledV4) {
    const text = readFileSync(bundledV4XsdPath, 'utf8');
    bundledV4 = { text, model: readXsd(text, 'api/v4/api.xsd') };
  }
  return bundledV4;
}
