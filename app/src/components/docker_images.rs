//! A Docker repository's images: tags with digest, size and platforms, and the pull
//! command to copy.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::copy_button::CopyButton;
use crate::domain::display::{date_part, human_size};
use crate::domain::url::path_segment as segment;
use crate::endpoints;

#[component]
pub fn DockerImages(subject: String, repo: String) -> impl IntoView {
    let endpoint = endpoints::docker_registry(&subject, &repo);
    let registry = LocalResource::new(move || {
        let endpoint = endpoint.clone();
        async move { api::get(endpoint).await }
    });
    view! {
        <section class="card docker-images">
            <h2>"Images"</h2>
            {move || registry.get().map(|r| match r {
                Err(e) => view! { <p class="error-note">{e.message}</p> }.into_any(),
                Ok(r) if r.images.is_empty() => view! {
                    <p class="muted">"No images yet. "<strong>"Set Me Up!"</strong>" shows how to push one."</p>
                }.into_any(),
                Ok(r) => {
                    let prefix = r.image_prefix.clone();
                    let (s, rp) = (subject.clone(), repo.clone());
                    view! {
                        <div class="table-wrap">
                            <table class="files" data-testid="docker-images">
                                <thead>
                                    <tr><th>"Image"</th><th>"Tag"</th><th>"Digest"</th><th>"Size"</th><th>"Platforms"</th><th>"Pushed"</th><th></th></tr>
                                </thead>
                                <tbody>
                                    {r.images.into_iter().flat_map(|image| {
                                        let prefix = prefix.clone();
                                        let (s, rp) = (s.clone(), rp.clone());
                                        image.tags.clone().into_iter().map(move |t| {
                                            let pull = format!("docker pull {prefix}/{}:{}", image.image, t.name);
                                            let copy = Signal::derive({
                                                let pull = pull.clone();
                                                move || pull.clone()
                                            });
                                            let href = format!("/{s}/{rp}/{}/{}", segment(&image.package), segment(&t.name));
                                            view! {
                                                <tr>
                                                    <td><code>{image.image.clone()}</code></td>
                                                    <td><A href=href>{t.name.clone()}</A></td>
                                                    <td class="digest-cell"><code class="digest" title=t.digest.clone()>{t.digest.chars().take(19).collect::<String>()}</code></td>
                                                    <td class="size">{human_size(t.size)}</td>
                                                    <td>{t.platforms.join(", ")}</td>
                                                    <td>{date_part(&t.updated).to_owned()}</td>
                                                    <td class="action"><CopyButton text=copy label="Copy pull" /></td>
                                                </tr>
                                            }
                                        }).collect::<Vec<_>>()
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }
            })}
        </section>
    }
}
