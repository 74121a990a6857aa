using LLama;
using LLama.Native;

namespace Verge.Orleans.Grains.Inference;

/// <summary>One saved sequence: the tokens whose KV its state holds, in position order.</summary>
internal sealed class PromptCacheEntry(IReadOnlyList<LLamaToken> tokens, LLamaContext.SequenceState state, bool conversation)
{
    public IReadOnlyList<LLamaToken> Tokens => tokens;

    public LLamaContext.SequenceState State => state;

    /// <summary>A chat session's or response chain's prefix: evicted after all others.</summary>
    public bool Conversation => conversation;

    public long Bytes => (long)State.Size;
}
