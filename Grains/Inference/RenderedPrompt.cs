using LLama.Native;

namespace Verge.Orleans.Grains.Inference;

/// <summary>A tokenized prompt, and whether it ends inside an opened think block (output starts as reasoning).</summary>
internal sealed record RenderedPrompt(LLamaToken[] Tokens, bool OpensThought);
