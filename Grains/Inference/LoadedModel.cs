using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;
using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// A GGUF file loaded once per silo (memory-mapped) and shared by every worker of the model, with
/// the prompt rendering that belongs to its tokenizer and chat template.
/// </summary>
internal sealed class LoadedModel : IDisposable
{
    // Stands in for each message's content while the template is rendered, so template text and
    // user text can be tokenized apart (user text never yields control tokens).
    private const char Sentinel = '\u0001';
    private const string EmptyThought = "<think>\n\n</think>\n\n";
    private const string ThinkTag = "<think>";

    private LoadedModel(string path, LLamaWeights weights, LLamaToken? thinkOpen, LLamaToken? thinkClose)
    {
        Path = path;
        Weights = weights;
        (ThinkOpen, ThinkClose) = thinkOpen is not null && thinkClose is not null ? (thinkOpen, thinkClose) : (null, null);
    }

    public string Path { get; }

    public LLamaWeights Weights { get; }

    /// <summary>The vocabulary has <c>&lt;think&gt;</c> as a single token: a reasoning model.</summary>
    public bool Thinks => ThinkOpen is not null;

    /// <summary>The <c>&lt;think&gt;</c> token of a reasoning model.</summary>
    public LLamaToken? ThinkOpen { get; }

    /// <summary>The <c>&lt;/think&gt;</c> token of a reasoning model.</summary>
    public LLamaToken? ThinkClose { get; }

    public static LoadedModel Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        }

        var parameters = new ModelParams(path) { LoadMode = LLamaLoadMode.MemoryMap, GpuLayerCount = -1 };
        var weights = LLamaWeights.LoadFromFile(parameters);
        return new LoadedModel(path, weights, SingleToken(weights, ThinkTag), SingleToken(weights, "</think>"));
    }

    /// <summary>Renders the conversation with the model's chat template and tokenizes it, ready to generate.</summary>
    public LLamaToken[] RenderPrompt(IReadOnlyList<ChatMessage> messages, bool disableThink) =>
        Render(messages, disableThink, insertThinkTag: false).Tokens;

    /// <summary>
    /// Renders and tokenizes the conversation. With <paramref name="insertThinkTag"/> a thinking model's
    /// prompt ends with an opened think block (unless the template opened one already), so the output
    /// starts inside the thought without a <c>&lt;think&gt;</c> of its own.
    /// </summary>
    public RenderedPrompt Render(IReadOnlyList<ChatMessage> messages, bool disableThink, bool insertThinkTag)
    {
        var template = new LLamaTemplate(Weights, strict: false) { AddAssistant = true };
        for (var i = 0; i < messages.Count; i++)
        {
            template.Add(messages[i].Role, $"{Sentinel}{i}{Sentinel}");
        }

        var rendered = LLamaTemplate.Encoding.GetString(template.Apply());
        if (disableThink && Thinks)
        {
            rendered += EmptyThought;
        }
        else if (insertThinkTag && Thinks && !OpensThought(rendered))
        {
            rendered += ThinkTag;
        }

        var tokens = new List<LLamaToken>();
        if (Weights.Vocab.ShouldAddBOS && Weights.Vocab.BOS is { } bos)
        {
            tokens.Add(bos);
        }

        var parts = rendered.Split(Sentinel);
        for (var i = 0; i < parts.Length; i++)
        {
            // Odd parts are message indexes; even parts are the template's own text.
            var isContent = i % 2 == 1 && int.TryParse(parts[i], out var index) && index < messages.Count;
            var text = isContent ? messages[int.Parse(parts[i])].Content : parts[i];
            if (text.Length > 0)
            {
                tokens.AddRange(Weights.Tokenize(text, false, special: !isContent, Encoding.UTF8));
            }
        }

        return new RenderedPrompt([.. tokens], Thinks && !disableThink && OpensThought(rendered));
    }

    private static LLamaToken? SingleToken(LLamaWeights weights, string text) =>
        weights.Tokenize(text, false, true, Encoding.UTF8) is [var token] ? token : null;

    // The template's text after the last message ends with an open think block.
    private static bool OpensThought(string rendered) => rendered.TrimEnd().EndsWith(ThinkTag, StringComparison.Ordinal);

    public void Dispose() => Weights.Dispose();
}
