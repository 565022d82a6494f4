/**
 * English stop words: function words that carry no topic, so text is neither indexed nor matched on
 * them. A use that needs more words extends `STOPWORDS`; the hashing embedder keeps to its core.
 */

function wordSet(words: string): ReadonlySet<string> {
	return new Set(words.split(" "));
}

/**
 * The commonest stop words, which the hashing embedder leaves out of its features. Its stored vectors
 * were made without exactly these words, so an edit here changes every vector it makes and new ones
 * would no longer compare with the stored.
 */
export const CORE_STOPWORDS: ReadonlySet<string> = wordSet(
	"a an and are as at be been but by can could do does did for from has have how i if in into is it its " +
		"of on or our should so than that the their them then there these they this to was we were what when " +
		"where which while who why will with would you your",
);

/** Every stop word: the core and the rest of English's common function words. */
export const STOPWORDS: ReadonlySet<string> = new Set([
	...CORE_STOPWORDS,
	...wordSet(
		"about above after again against all also am any because before being below between both doing down " +
			"during each few further had having he her here hers herself him himself his itself just me more most " +
			"my myself no nor not off once only other ours ourselves out over own same she some such theirs " +
			"themselves those through too under until up very whom yours yourself yourselves may might must shall " +
			"us per via within without upon whether yet however thus therefore although though since among " +
			"across onto",
	),
]);
