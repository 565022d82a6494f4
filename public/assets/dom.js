// @ts-check
/** Building DOM nodes. Text always goes in as text nodes, so nothing from the API is ever parsed as markup. */

const SVG_NS = "http://www.w3.org/2000/svg";

/** @typedef {Node | string | number | null | undefined | false} Child */
/** @typedef {Record<string, string | number | boolean | null | undefined>} Attributes */

/**
 * @param {Element} element
 * @param {Attributes} attributes
 * @param {readonly Child[]} children
 */
function fill(element, attributes, children) {
	for (const [name, value] of Object.entries(attributes)) {
		if (value === null || value === undefined || value === false) continue;
		element.setAttribute(name, value === true ? "" : String(value));
	}
	for (const child of children) {
		if (child === null || child === undefined || child === false) continue;
		element.append(child instanceof Node ? child : String(child));
	}
	return element;
}

/**
 * An HTML element with attributes and children.
 * @example h("a", { href: "/jobs" }, "All jobs")
 * @template {keyof HTMLElementTagNameMap} Tag
 * @param {Tag} tag
 * @param {Attributes} [attributes]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[Tag]}
 */
export function h(tag, attributes = {}, ...children) {
	return /** @type {HTMLElementTagNameMap[Tag]} */ (fill(document.createElement(tag), attributes, children));
}

/**
 * An SVG element with attributes and children.
 * @example svg("rect", { x: 0, y: 0, width: 10, height: 4 })
 * @param {string} tag
 * @param {Attributes} [attributes]
 * @param {...Child} children
 * @returns {SVGElement}
 */
export function svg(tag, attributes = {}, ...children) {
	return /** @type {SVGElement} */ (fill(document.createElementNS(SVG_NS, tag), attributes, children));
}

/**
 * The element with this id; throws when the page lacks it, which is a bug in the page, not in the data.
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
export function byId(id, type) {
	const element = document.getElementById(id);
	if (!(element instanceof type)) throw new Error(`the page has no ${type.name} #${id}`);
	return element;
}
