// Package analysis turns Chinese and English text into search terms. Search
// (a Bleve index) and matching (TF-IDF) share it so that both agree on what a
// word is.
//
// Chinese runs of text are segmented into words with gse, whose dictionary
// (jieba's, trimmed) is embedded in the binary, and every Han character is
// also kept as a one-character term so that one-character queries work.
// Latin text is width-folded, lowercased, stripped of a few English stop
// words and Porter-stemmed. [Pinyin] and [PinyinTerms] spell names and
// cities in pinyin (full and initials); [Synonyms] joins common Chinese and
// English pairs; [SectorText] and [CityText] expand codes into their names.
//
// Importing the package registers Bleve analyzers under stable names (see
// [AnalyzerText]). The dictionary loads lazily on first use; call [Warm] at
// start-up to pay that cost (about 0.2 s) before the first request.
//
// The dictionary in dict/zh.txt.gz is derived from gse's data/dict/zh/s_1.txt
// (gse: Apache-2.0 or MIT; its Chinese data comes from jieba, MIT); see
// dict/NOTICE.
package analysis
