using System.Text;
using LLama;
using LLama.Native;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// Tokenizes a raw prompt as llama.cpp's server does: text with control tokens recognised and BOS as the
/// vocabulary asks; token ids as given; with a suffix, <c>[BOS] FIM_PRE prefix FIM_SUF suffix FIM_MID</c>
/// (prefix and suffix as plain text, like its infill endpoint).
/// </summary>
internal static class RawPromptTokenizer
{
    public static RenderedPrompt Tokenize(LoadedModel model, RawPrompt raw)
    {
        var vocab = model.Weights.Vocab;
        if (raw.Suffix is not { } suffix)
        {
            return new RenderedPrompt(raw.Tokens is { } ids ? Known(ids, vocab.Count) : Text(model, raw.Text ?? "", addBos: true, special: true), false);
        }

        if (vocab.InfillPrefix is not { } prefix || vocab.InfillSuffix is not { } suffixToken || vocab.InfillMiddle is not { } middle)
        {
            throw new ServingException(400, "invalid_value",
                "This model has no fill-in-the-middle tokens (tokenizer.ggml.fim_pre/suf/mid_token_id), so 'suffix' cannot be used.", "suffix");
        }

        var tokens = new List<LLamaToken>();
        if (vocab.ShouldAddBOS && vocab.BOS is { } bos)
        {
            tokens.Add(bos);
        }

        tokens.Add(prefix);
        tokens.AddRange(raw.Tokens is { } prefixIds ? Known(prefixIds, vocab.Count) : Text(model, raw.Text ?? "", addBos: false, special: false));
        tokens.Add(suffixToken);
        tokens.AddRange(Text(model, suffix, addBos: false, special: false));
        tokens.Add(middle);
        return new RenderedPrompt([.. tokens], false);
    }

    /// <summary>The prompt's text as an echo shows it: the text itself, or its tokens decoded (control tokens included).</summary>
    public static string EchoText(LoadedModel model, RawPrompt raw)
    {
        if (raw.Text is { } text)
        {
            return text;
        }

        var decoder = new StreamingTokenDecoder(Encoding.UTF8, model.Weights) { DecodeSpecialTokens = true };
        foreach (var token in raw.Tokens ?? [])
        {
            decoder.Add(token);
        }

        return decoder.Read();
    }

    private static LLamaToken[] Text(LoadedModel model, string text, bool addBos, bool special) =>
        text.Length == 0 && !addBos ? [] : model.Weights.Tokenize(text, addBos, special, Encoding.UTF8);

    private static LLamaToken[] Known(IReadOnlyList<int> ids, int vocabulary)
    {
        foreach (var id in ids.Where(id => id < 0 || id >= vocabulary))
        {
            throw new ServingException(400, "invalid_value", $"Token {id} of the prompt is not in this model's vocabulary of {vocabulary} tokens.", "prompt");
        }

        return [.. ids.Select(id => (LLamaToken)id)];
    }
}
