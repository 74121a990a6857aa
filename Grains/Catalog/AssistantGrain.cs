using Orleans.Concurrency;
using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.Abstractions.Grains;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Sessions;
using Verge.Orleans.Grains.Routing;
using Verge.Orleans.Grains.Sessions;

namespace Verge.Orleans.Grains.Catalog;

/// <summary>
/// Applies an assistant's policy to requests: system prompt first, temperature and token limits, think
/// mode, chat history. Holds its configuration (read from the catalog once, then told of each edit), so
/// a request costs no call to the catalog; the model grain routes it by its prompt's prefix.
/// </summary>
[Reentrant] // planning only reads the configuration: plans run side by side instead of queueing behind each other
internal sealed class AssistantGrain : Grain, IAssistantGrain
{
    private Task<AssistantSpec?>? _spec;

    private Task<AssistantSpec?> StoredSpecAsync() =>
        _spec is { IsFaulted: false, IsCanceled: false } ? _spec : _spec = GrainFactory.GetGrain<ICatalogGrain>(0).GetAssistantAsync(this.GetPrimaryKeyString());

    private async Task<AssistantSpec?> SpecAsync()
    {
        var spec = await StoredSpecAsync();
        // The gateway forwards an upstream assistant's requests itself: none is planned here.
        return spec?.Upstream is null ? spec : throw ServingException.UpstreamOnly(spec.Name);
    }

    Task<AssistantSpec?> IAssistantGrain.GetSpecAsync() => StoredSpecAsync();

    Task IAssistantGrain.ConfigureAsync(AssistantSpec? spec)
    {
        _spec = Task.FromResult(spec);
        return Task.CompletedTask;
    }

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

        // No prefix: embeddings share nothing worth routing for, so the least loaded worker takes them.
        return await model.PickWorkerAsync([]);
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
        var worker = await GrainFactory.GetGrain<IModelGrain>(spec.Model).PickWorkerAsync(PromptBlocks.Of(planned), request.AvoidWorkers);
        return new CompletionPlan(worker, planned);
    }
}
