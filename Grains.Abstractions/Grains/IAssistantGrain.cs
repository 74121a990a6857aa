using Verge.Orleans.Grains.Abstractions.Catalog;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Abstractions.Sessions;

namespace Verge.Orleans.Grains.Abstractions.Grains;

/// <summary>An assistant (the API's <c>model</c>): applies its policy to a request and picks a worker. Keyed by name.</summary>
[Alias("verge.IAssistantGrain")]
public interface IAssistantGrain : IGrainWithStringKey
{
    /// <summary>The assistant's configuration, or null when it does not exist.</summary>
    [Alias("GetSpecAsync")]
    Task<AssistantSpec?> GetSpecAsync();

    /// <summary>
    /// Told by the catalog after every change of this assistant (null: deleted): the grain keeps its
    /// configuration and plans with the new one from the next request on.
    /// </summary>
    [Alias("ConfigureAsync")]
    Task ConfigureAsync(AssistantSpec? spec);

    /// <summary>
    /// Turns a client request into a plan: system prompt, defaults and limits applied, worker chosen.
    /// Throws <see cref="ServingException"/> (404) when the assistant does not exist.
    /// </summary>
    [Alias("PlanAsync")]
    Task<CompletionPlan> PlanAsync(GenerationRequest request);

    /// <summary>
    /// As <see cref="PlanAsync"/> for a request that names a chat session. When the assistant's Chat
    /// History mode and the request's choice turn history on, the session's turns come right after the
    /// system prompt and the plan says where to store the new turn.
    /// </summary>
    [Alias("PlanInSessionAsync")]
    Task<CompletionPlan> PlanInSessionAsync(GenerationRequest request, SessionRequest session);

    /// <summary>
    /// Picks the worker that embeds a request for this assistant's model. Throws <see cref="ServingException"/>:
    /// 404 when the assistant does not exist, 400 when its model is not an embedding model.
    /// </summary>
    [Alias("PlanEmbeddingAsync")]
    Task<string> PlanEmbeddingAsync();
}
