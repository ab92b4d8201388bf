import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Where Bitrix looks for a component template, in its order (read from the real main module's
 * CBitrixComponentTemplate and checked with the real-module harness): for a component called from a
 * complex component's template (support.ticket.edit inside support.ticket), the parent's folders come
 * first at each level; /local before /bitrix; the site template before .default; the component's own
 * templates last. The first folder holding <template name>/template.php wins.
 */
export interface TemplateCall {
  /** "bitrix:support.ticket.edit" */
  component: string;
  /** the template name the page asks for (".default" for "") */
  template: string;
  /** the site template in force (".default" when the site has none) */
  siteTemplate: string;
  /** the complex component whose template includes this one, and that template's name */
  parent?: { component: string; template: string };
}

/** "bitrix:support.ticket.edit" → "/bitrix/support.ticket.edit" (Bitrix's relative component path). */
function relativePath(component: string): string {
  const [namespace, name] = component.split(':');
  return `/${namespace}/${name}`;
}

/** The template folders Bitrix tries, best first, each relative to the document root. */
export function templateSearchOrder(call: TemplateCall): string[] {
  const own = relativePath(call.component);
  const site = call.siteTemplate === '.default' ? null : call.siteTemplate;
  const parent = call.parent ? `${relativePath(call.parent.component)}/${call.parent.template}` : null;
  const parentTemplates = call.parent
    ? `${relativePath(call.parent.component)}/templates/${call.parent.template}`
    : null;
  const folders: Array<string | null> = [
    parent && site && `/local/templates/${site}/components${parent}${own}`,
    parent && `/local/templates/.default/components${parent}${own}`,
    parentTemplates && `/local/components${parentTemplates}${own}`,
    site && `/local/templates/${site}/components${own}`,
    `/local/templates/.default/components${own}`,
    `/local/components${own}/templates`,
    parent && site && `/bitrix/templates/${site}/components${parent}${own}`,
    parent && `/bitrix/templates/.default/components${parent}${own}`,
    parentTemplates && `/bitrix/components${parentTemplates}${own}`,
    site && `/bitrix/templates/${site}/components${own}`,
    `/bitrix/templates/.default/components${own}`,
    `/bitrix/components${own}/templates`,
  ];
  return folders.filter((f): f is string => Boolean(f)).map((f) => `${f}/${call.template}`);
}

export function hasTemplate(root: string, folder: string): boolean {
  return existsSync(path.join(root, folder, 'template.php'));
}
