using System.Security.Cryptography;
using System.Text;
using Orleans.Concurrency;
using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Sessions;
using Verge.Orleans.Grains.Sessions;

namespace Verge.Orleans.Grains.Catalog;

/// <summary>Applies an assistant's policy to requests: system prompt first, temperature and token limits, think mode, chat history.</summary>
[StatelessWorker] // no state of its own: plans run side by side instead of queueing behind each other
internal sealed class AssistantGrain : Grain, IAssistantGrain
{
    private async Task<AssistantSpec?> SpecAsync()
    {
        var spec = await GrainFactory.GetGrain<ICatalogGrain>(0).GetAssistantAsync(this.GetPrimaryKeyString());
        // The gateway forwards an upstream assistant's requests itself: none is planned here.
        return spec?.Upstream is null ? spec : throw ServingException.UpstreamOnly(spec.Name);
    }

    Task<AssistantSpec?> IAssistantGrain.GetSpecAsync() => GrainFactory.GetGrain<ICatalogGrain>(0).GetAssistantAsync(this.GetPrimaryKeyString());

    async Task<CompletionPlan> IAssistantGrain.PlanAsync(GenerationRequest request)
    {
        var spec = await SpecAsync() ?? throw ServingException.ModelNotFound(this.GetPrimaryKeyString());
        return await PlanAsync(spec, request);
    }

    async Task<CompletionPlan> IAssistantGrain.PlanInSessionAsync(GenerationRequest request, SessionRequest session)
    {
        var spec = await SpecAsync() ?? throw ServingException.ModelNotFound(this.GetPrimaryKeyString());
        if (!ChatHistoryPolicy.Applies(spec.ChatHistory, session.ChatHistory))
        {
            return await PlanAsync(spec, request);
        }

        var turns = GrainFactory.GetGrain<IChatSessionGrain>(ChatSessionKeys.Session(session.User, session.SessionId)).GetTurnsAsync();
        var model = GrainFactory.GetGrain<IModelGrain>(spec.Model).GetSpecAsync();
        var history = ChatHistoryReplay.ToMessages(await turns);
        var plan = await PlanAsync(spec, request with { Messages = [.. history, .. request.Messages], HistoryMessages = history.Count });
        var strip = (await model)?.StripThinkTagFromHistory ?? false;
        return plan with { Session = new SessionRecording(session.User, session.SessionId, strip) };
    }

    async Task<string> IAssistantGrain.PlanEmbeddingAsync()
    {
        var spec = await SpecAsync() ?? throw ServingException.ModelNotFound(this.GetPrimaryKeyString());
        var model = GrainFactory.GetGrain<IModelGrain>(spec.Model);
        if (await model.GetSpecAsync() is { Embedding: false })
        {
            throw ServingException.WrongRole(spec.Name, embeddingModel: false);
        }

        // No affinity: embeddings share no prefix worth routing for, so the least loaded worker takes them.
        return await model.PickWorkerAsync(0);
    }

    private async Task<CompletionPlan> PlanAsync(AssistantSpec spec, GenerationRequest request)
    {
        // A raw prompt (legacy completions) is the whole prompt: the assistant's system prompt does not apply.
        var messages = string.IsNullOrEmpty(spec.SystemPrompt) || request.Raw is not null
            ? request.Messages
            : [new ChatMessage("system", spec.SystemPrompt), .. request.Messages];
        var maxTokens = (request.MaxTokens, spec.MaxTokens) switch
        {
            (null, 0) => null,
            (null, var limit) => limit,
            (var asked, 0) => asked,
            (var asked, var limit) => Math.Min(asked.Value, limit),
        };
        var planned = request with
        {
            Messages = messages,
            Temperature = request.Temperature ?? spec.Temperature,
            MaxTokens = maxTokens,
            DisableThink = request.DisableThink || spec.DisableThink,
        };
        var affinity = request.Raw is { } raw ? ConversationAffinity([new ChatMessage("raw", raw.Text ?? string.Join(',', raw.Tokens ?? []))]) : ConversationAffinity(messages);
        var worker = await GrainFactory.GetGrain<IModelGrain>(spec.Model).PickWorkerAsync(affinity);
        return new CompletionPlan(worker, planned);
    }

    /// <summary>
    /// A conversation's identity for routing: its opening (the system messages and the first message after
    /// them), which every later turn repeats, so its turns go where their common prefix is cached.
    /// </summary>
    internal static ulong ConversationAffinity(IReadOnlyList<ChatMessage> messages)
    {
        var opening = new StringBuilder();
        var firstOther = messages.TakeWhile(m => m.Role == "system").Count();
        foreach (var message in messages.Take(firstOther + 1))
        {
            opening.Append(message.Role).Append('\n').Append(message.Content).Append('\u0000');
        }

        return BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(opening.ToString())), 0) | 1;
    }
}
