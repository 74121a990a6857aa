using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Verge.Orleans.Grains.ChatTemplates;
using Verge.Orleans.Grains.ChatTemplates.Jinja;
using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.Abstractions.Inference;

namespace Verge.Orleans.Grains.Inference;

/// <summary>
/// A GGUF file loaded once per silo (memory-mapped) and shared by every worker of the model, with
/// the prompt rendering that belongs to its tokenizer and chat template.
/// </summary>
internal sealed class LoadedModel : IDisposable
{
    private const string EmptyThought = "<think>\n\n</think>\n\n";
    private const string ThinkTag = "<think>";

    /// <summary>Longest answer whose tokens are kept (spelling one out runs on the decode thread).</summary>
    public const int LongestAnswer = 4096;

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ILogger _logger;
    private readonly TokenMemory _templatePieces = new(1 << 20);
    private readonly TokenMemory _userPieces = new(4 << 20);
    private readonly TokenMemory _answers = new(4 << 20);
    private int _fallbackLogged;

    private LoadedModel(string path, LLamaWeights weights, ChatTemplate template, ILogger logger)
    {
        Path = path;
        Weights = weights;
        (ThinkOpen, ThinkClose) = SingleToken(ThinkTag) is { } open && SingleToken("</think>") is { } close ? (open, close) : ((LLamaToken?)null, (LLamaToken?)null);
        Template = template;
        _logger = logger;
    }

    public string Path { get; }

    public LLamaWeights Weights { get; }

    /// <summary>The vocabulary has <c>&lt;think&gt;</c> as a single token: a reasoning model.</summary>
    public bool Thinks => ThinkOpen is not null;

    /// <summary>The <c>&lt;think&gt;</c> token of a reasoning model.</summary>
    public LLamaToken? ThinkOpen { get; }

    /// <summary>The <c>&lt;/think&gt;</c> token of a reasoning model.</summary>
    public LLamaToken? ThinkClose { get; }

    /// <summary>The model's own chat template (Jinja).</summary>
    public ChatTemplate Template { get; }

    public static LoadedModel Load(string path, ILogger? logger = null)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        }

        var parameters = new ModelParams(path) { LoadMode = LLamaLoadMode.MemoryMap, GpuLayerCount = -1 };
        var weights = LLamaWeights.LoadFromFile(parameters);
        var model = new LoadedModel(path, weights, ChatTemplate.For(weights), logger ?? NullLogger.Instance);
        if (model.Template.Unusable is { } why)
        {
            model.LogFallback(why);
        }

        return model;
    }

    /// <summary>Renders the conversation with the model's chat template and tokenizes it, ready to generate.</summary>
    public LLamaToken[] RenderPrompt(IReadOnlyList<ChatMessage> messages, bool disableThink) =>
        Render(messages, new PromptOptions { DisableThink = disableThink }).Tokens;

    /// <summary>
    /// Renders and tokenizes the conversation with the model's Jinja template, or llama.cpp's built-in
    /// rendering when that template cannot be used. With Insert Think Tag a thinking model's prompt ends
    /// with an opened think block (unless the template opened one already), so the output starts inside
    /// the thought without a <c>&lt;think&gt;</c> of its own.
    /// </summary>
    public RenderedPrompt Render(IReadOnlyList<ChatMessage> messages, PromptOptions options)
    {
        var text = new PromptText();
        var disableThink = options.DisableThink && Thinks;
        string rendered;
        try
        {
            rendered = Template.CanRender
                ? Template.Render(messages, options.Tools, options.TemplateArguments, Template.ControlsThinking && disableThink ? false : null, text)
                : BuiltIn(messages, text);
        }
        catch (JinjaException error)
        {
            LogFallback(error.Message);
            text = new PromptText();
            rendered = BuiltIn(messages, text);
        }

        if (disableThink && !OpensAndClosesThought(rendered))
        {
            rendered += EmptyThought;
        }
        else if (options.InsertThinkTag && Thinks && !disableThink && !OpensThought(rendered))
        {
            rendered += ThinkTag;
        }

        var tokens = new List<LLamaToken>();
        if (Weights.Vocab.ShouldAddBOS && Weights.Vocab.BOS is { } bos && !rendered.StartsWith(Template.Bos, StringComparison.Ordinal))
        {
            tokens.Add(bos);
        }

        foreach (var (piece, fromUser, byModel) in text.Pieces(rendered))
        {
            tokens.AddRange(
                !fromUser ? TemplatePiece(piece)
                : byModel && AnswerTokens(options.User, piece) is { } generated ? generated
                : UserPiece(piece));
        }

        return new RenderedPrompt([.. tokens], Thinks && !disableThink && OpensThought(rendered));
    }

    // Tokenizing is costly (about a millisecond a piece under load: llama.cpp runs its pre-tokenizer's regular
    // expression), and the same texts come back in every prompt: the template's own text (role markers, a
    // default system prompt, the tools an agent sends every turn) and a conversation's earlier messages.
    private LLamaToken[] TemplatePiece(string piece) =>
        _templatePieces.GetOrAdd(piece, text => Weights.Tokenize(text, false, special: true, Encoding.UTF8));

    private LLamaToken[] UserPiece(string piece) =>
        _userPieces.GetOrAdd(piece, text => Weights.Tokenize(text, false, special: false, Encoding.UTF8));

    /// <summary>
    /// Keeps the tokens of <paramref name="user"/>'s finished answer as the tokenization of the text they
    /// spell, for when the answer comes back as an assistant message. A client sends the text back, and
    /// tokenizing it seldom gives the tokens the model generated (a model need not write the tokenizer's own
    /// split), so the next prompt would leave the slot's KV where the answer begins. Only byte-exact text maps
    /// to its tokens, never through a token that writes no text (control, unknown), so the text means what it
    /// says whichever way it is tokenized; and only for the same user, so nobody learns of another's answers
    /// or changes how another's prompts are tokenized.
    /// </summary>
    public void RememberAnswer(string user, IReadOnlyList<LLamaToken> tokens)
    {
        if (tokens.Count is 0 or > LongestAnswer)
        {
            return;
        }

        var bytes = new List<byte>(tokens.Count * 4);
        Span<byte> piece = stackalloc byte[256];
        foreach (var token in tokens)
        {
            var length = (int)Weights.NativeHandle.TokenToSpan(token, piece);
            if (length == 0 || length > piece.Length || token.IsControl(Weights.NativeHandle))
            {
                return;
            }

            bytes.AddRange(piece[..length]);
        }

        try
        {
            _answers.Remember(AnswerKey(user, Strict.GetString([.. bytes])), [.. tokens]);
        }
        catch (DecoderFallbackException)
        {
            // A token ends inside a character: no text is exactly these tokens.
        }
    }

    /// <summary>The generated tokens of <paramref name="user"/>'s answer that was exactly <paramref name="text"/>.</summary>
    public LLamaToken[]? AnswerTokens(string user, string text) => _answers.Find(AnswerKey(user, text));

    private static string AnswerKey(string user, string text) => $"{user}\0{text}";

    // llama.cpp's own rendering of the templates it recognises (ChatML, Llama 3, ...); ChatML when it recognises none.
    private string BuiltIn(IReadOnlyList<ChatMessage> messages, PromptText text)
    {
        try
        {
            return Apply(new LLamaTemplate(Weights, strict: false), messages, text);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            return Apply(new LLamaTemplate("chatml"), messages, text);
        }
    }

    private static string Apply(LLamaTemplate template, IReadOnlyList<ChatMessage> messages, PromptText text)
    {
        template.AddAssistant = true;
        foreach (var message in messages)
        {
            template.Add(message.Role, text.Add(message.Content, message.Role == "assistant"));
        }

        return LLamaTemplate.Encoding.GetString(template.Apply());
    }

    private void LogFallback(string why)
    {
        if (Interlocked.Exchange(ref _fallbackLogged, 1) == 0)
        {
            _logger.LogWarning("The chat template of {Path} cannot be used ({Reason}); llama.cpp's built-in template renders its prompts", Path, why);
        }
    }

    /// <summary>The token that is exactly <paramref name="text"/> (control tokens included), or null when it takes several.</summary>
    public LLamaToken? SingleToken(string text) =>
        Weights.Tokenize(text, false, true, Encoding.UTF8) is [var token] ? token : null;

    // The template's text after the last message ends with an open think block.
    private static bool OpensThought(string rendered) => rendered.TrimEnd().EndsWith(ThinkTag, StringComparison.Ordinal);

    // The template closed an empty thought itself (enable_thinking: false).
    private static bool OpensAndClosesThought(string rendered) => rendered.TrimEnd().EndsWith("</think>", StringComparison.Ordinal);

    public void Dispose() => Weights.Dispose();
}
