import { readdirSync } from 'node:fs';
import path from 'node:path';
import { BxsupError } from '../core/errors';
import { hasTemplate, TemplateCall, templateSearchOrder } from './templateSearch';

/**
 * For one of our wrapper templates, what it wraps: per site template and per parent template (a complex
 * component's template that includes the wrapped component), the folder Bitrix used before our wrapper
 * existed, i.e. the first one after our folder in Bitrix's search order. A template of the site's own
 * that Bitrix would find *before* ours would hide the wrapper: that is refused, with what to do.
 */
export interface WrapTarget {
  component: string;
  template: string;
  /** the complex component that usually includes it (bitrix:support.ticket for the ticket form) */
  parentComponent: string;
  /** where our wrapper goes, relative to the document root */
  folder: string;
}

export interface WrappedMap {
  /** "<site template>|<parent path>/<parent template>" ("" without a parent) → folder */
  entries: Record<string, string>;
}

export function findWrappedTemplates(
  root: string,
  target: WrapTarget,
  siteTemplates: string[],
  optOut: string,
): WrappedMap {
  const entries: Record<string, string> = {};
  const parentPath = `/${target.parentComponent.replace(':', '/')}`;
  const contexts: Array<TemplateCall['parent'] | undefined> = [
    undefined,
    ...parentTemplateNames(root, target.parentComponent, siteTemplates).map((template) => ({
      component: target.parentComponent,
      template,
    })),
  ];
  for (const siteTemplate of unique(['.default', ...siteTemplates])) {
    for (const parent of contexts) {
      const call: TemplateCall = {
        component: target.component,
        template: target.template,
        siteTemplate,
        parent,
      };
      const order = templateSearchOrder(call);
      const ours = order.indexOf(target.folder);
      const hiding = order.slice(0, ours).find((folder) => hasTemplate(root, folder));
      if (hiding) throw hidingTemplate(hiding, target, optOut);
      const wrapped = order.slice(ours + 1).find((folder) => hasTemplate(root, folder));
      if (wrapped) entries[`${siteTemplate}|${parent ? `${parentPath}/${parent.template}` : ''}`] = wrapped;
    }
  }
  return { entries };
}

/** Names of the parent component's templates anywhere Bitrix would look for them, plus .default. */
function parentTemplateNames(root: string, parentComponent: string, siteTemplates: string[]): string[] {
  const rel = `/${parentComponent.replace(':', '/')}`;
  const dirs = [`/bitrix/components${rel}/templates`, `/local/components${rel}/templates`];
  for (const site of unique(['.default', ...siteTemplates])) {
    dirs.push(`/local/templates/${site}/components${rel}`, `/bitrix/templates/${site}/components${rel}`);
  }
  const names = ['.default'];
  for (const dir of dirs) names.push(...subfolders(path.join(root, dir)));
  return unique(names).filter((n) => /^[A-Za-z0-9_.-]+$/.test(n));
}

function subfolders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch {
    return [];
  }
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

function hidingTemplate(folder: string, target: WrapTarget, optOut: string): BxsupError {
  // The same place under /bitrix/templates comes after ours: Bitrix still finds it there, and we wrap it.
  const lower = folder.startsWith('/local/templates/')
    ? folder.replace(/^\/local\//, '/bitrix/')
    : `/bitrix/templates/.default/components/${target.component.replace(':', '/')}/${target.template}`;
  return new BxsupError(
    'USAGE',
    `the site's own template ${folder} would hide bxsup's ${target.component} wrapper (Bitrix finds it first): move it to ${lower} (bxsup then wraps it, the look stays) and run install again, or ${optOut}`,
  );
}

/** The generated bxsup_wrapped.php: a PHP array literal, read by bxsup_wrap.php at run time. */
export function wrappedMapPhp(map: WrappedMap, target: WrapTarget): string {
  const lines = Object.entries(map.entries).map(
    ([key, folder]) => `    ${phpString(key)} => ${phpString(folder)},`,
  );
  return [
    '<?php',
    `// Written by bxsup install: the ${target.component} templates this site used before bxsup's wrapper,`,
    '// per "<site template>|<parent component>/<parent template>", found on disk at install time.',
    '// bxsup install rewrites it when the site changes; bxsup uninstall removes it.',
    'return array(',
    ...lines,
    ');',
    '',
  ].join('\n');
}

export function phpString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
